// The cpu area of the library API; filled in by the cpu work.
export {};
