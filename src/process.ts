// The process area of the library API; filled in by the process work.
export {};
