export * from './events';
export * from './customEvents';
export * from './messages';
export * from './playground';
export * from './sweep';
export * from './sweepImportance';
export * from './params';
