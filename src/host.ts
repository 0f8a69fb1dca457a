// The host area of the library API; filled in by the host work.
export {};
