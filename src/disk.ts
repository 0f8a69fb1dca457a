// The disk area of the library API; filled in by the disk work.
export {};
