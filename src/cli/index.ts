/** The terminal's pure core (docs/cli.md). */
export { execute, executeWords, helpText, targetOf, toolName, TOOLS } from './execute';
export { parseLine, ShellSyntaxError, type Pipeline } from './tokenize';
export {
  isHandle,
  type CliChunk,
  type CliHandle,
  type CliOutcome,
  type CliResult,
  type CliTarget,
} from './types';
export { KAFKA_VERSION } from './version';
export { complete } from './complete';
