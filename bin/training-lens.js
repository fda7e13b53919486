#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error(`training-lens: ${cli} is missing; build it with \`npm run build\` in ${path.dirname(__dirname)}`);
  process.exit(2);
}
require(cli)
  .main(process.argv.slice(2))
  .then(
    code => {
      process.exitCode = code;
    },
    e => {
      console.error(e);
      process.exitCode = 1;
    },
  );
