/**
 * hostprobe: psutil's API for Node.js on Linux, read natively from /proc and /sys.
 */
export * from './roots.js';
export * from './errors.js';
export * from './enums.js';
export * from './cpu.js';
export * from './memory.js';
export * from './disk.js';
export * from './mdstat.js';
export * from './net.js';
export * from './host.js';
export * from './kernel.js';
export * from './process.js';
export * from './hardware.js';
