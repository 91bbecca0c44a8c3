// Preloaded into the server by the memory benchmark (node --expose-gc --require): on SIGUSR2, the sizes of V8's
// young and old generations as they are, then the heap still in use after a full garbage collection, on stderr.
// It tells retained memory from garbage not collected yet. CommonJS: an ES preload would start Node's ES module
// loader in a server that does not otherwise use it, and count it in the RSS measured.
const { getHeapSpaceStatistics } = require('node:v8');

process.on('SIGUSR2', () => {
  const size = (name) => getHeapSpaceStatistics().find((space) => space.space_name === name)?.space_size ?? 0;
  const young = size('new_space');
  const old = size('old_space');
  globalThis.gc?.();
  process.stderr.write(`bench-live-heap ${process.memoryUsage().heapUsed} young=${young} old=${old}\n`);
});
