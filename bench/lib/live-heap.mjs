// Preloaded into the server by the memory benchmark (node --expose-gc --import): on SIGUSR2, a full garbage
// collection, then the heap still in use, on stderr. It tells retained memory from collectable garbage.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  process.stderr.write(`bench-live-heap ${process.memoryUsage().heapUsed}\n`);
});
