// The net area of the library API; filled in by the net work.
export {};
