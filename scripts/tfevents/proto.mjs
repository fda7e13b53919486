// Regenerates src/tfevents/proto/tensorboard.json, the protobufjs descriptor of TensorBoard's event protos, from
// the tensorboard pip package: `node scripts/tfevents/proto.mjs <python with tensorboard installed>`.
// The reader loads the JSON (no .proto parsing at run time).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const python = process.argv[2] ?? process.env.TRAINING_LENS_TEST_PYTHON ?? 'python3';
const here = path.dirname(fileURLToPath(import.meta.url));
const bytes = execFileSync(python, [path.join(here, 'descriptor.py')], { maxBuffer: 16 << 20 });
const set = descriptor.FileDescriptorSet.decode(bytes);
const root = protobuf.Root.fromDescriptor(set);
const out = path.join(here, '..', '..', 'src', 'tfevents', 'proto', 'tensorboard.json');
fs.writeFileSync(out, JSON.stringify(root.toJSON(), null, 1) + '\n');
console.log(
  `wrote ${out} (format it: npx prettier --write ${path.relative(process.cwd(), out)}) \n  ${set.file.length} files: ${set.file.map(f => path.basename(f.name)).join(', ')}`,
);
