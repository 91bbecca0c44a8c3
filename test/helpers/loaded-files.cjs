// Preloaded into a built server (node --require) by test/build.test.ts: on SIGUSR2 it writes the files Node's
// module loader has loaded so far to stderr, one JSON line, so a test can see which of dist/'s files a start reads.
process.on('SIGUSR2', () => {
  process.stderr.write(`loaded-files ${JSON.stringify(Object.keys(require.cache))}\n`);
});
