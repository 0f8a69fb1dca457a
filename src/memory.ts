// The memory area of the library API; filled in by the memory work.
export {};
