// The catalog: facts about node types, engines and parameter group families.
export * from './node-types.js';
export * from './parameters.js';
export * from './engines.js';
