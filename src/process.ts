/**
 * The process area: psutil's Process class and module functions (pids, pidExists,
 * processIter, waitProcs), and the batch scan of the whole process table
 * (scanProcesses, processesSummary). See docs/api/process.md.
 */
export {
  Process,
  pids,
  pidExists,
  processIter,
  processIterCacheClear,
  waitProcs,
  type ProcessConstructorOptions,
  type ProcessIterOptions,
  type ProcessWithInfo,
} from './process/process.js';
export {
  ProcessTable,
  processThreadTotals,
  processWaitChannels,
  processesSummary,
  scanProcesses,
  scanProcessesSync,
  type ProcessThreadRow,
  type ProcessThreadTotals,
  type ScanColumn,
  type ScanOptions,
} from './process/scan.js';
export * from './process/types.js';
