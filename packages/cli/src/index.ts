// @cacheset/cli: the `cacheset` command line. The program is also usable in-process (runCli).
export { runCli, buildProgram, VERSION, type Runner } from './program.js';
export type { CliIo, CliStream } from './CliIo.js';
export type { CommandResult } from './CommandResult.js';
export { CliErrorCodes, type CliErrorCode } from './errors/cliErrorCodes.js';
export { varnishVcl, type VarnishVclOptions } from './varnish/varnishVcl.js';
export { readUrlList } from './warm/readUrlList.js';
export { cacheOutcomes, type LayerOutcome } from './warm/cacheOutcome.js';
export type { CheckConfigJson } from './commands/checkConfigCommand.js';
export type { ServerConfigJson } from './commands/nginxConfigCommand.js';
export type { VarnishVclJson } from './commands/varnishVclCommand.js';
export type { PurgeJson } from './commands/purgeCommand.js';
export type { PolicyRefusedJson } from './commands/policyCommand.js';
export type { WarmJson } from './commands/warmCommand.js';
export type { WarmResult } from './warm/warmUrls.js';
