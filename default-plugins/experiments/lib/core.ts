/**
 * The few parts of the host that the experiments use and that are not public API (the shared
 * library host, ids, timestamps, schema checks). Kept in one file so the rest of the plugin imports
 * only from 'llm-host', as any plugin would.
 */
export { messageOf } from '../../../src/errors.js';
export { compileSchema, describeSchemaError } from '../../../src/json-schema.js';
export { sharedLlm } from '../../../src/library.js';
export { packageVersion } from '../../../src/package-info.js';
export { newId, utcNow } from '../../../src/util/ids.js';
