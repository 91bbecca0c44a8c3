// Preloaded into a built server (node --require) by test/build.test.ts: on SIGUSR2 it writes the files Node's
// module loader has loaded so far to stderr, one JSON line, so a test can see which of dist/'s files a start reads;
// and a second line with the Node built-in modules loaded so far (`crypto`, `internal/crypto/webcrypto`, ...).
process.on('SIGUSR2', () => {
  process.stderr.write(`loaded-files ${JSON.stringify(Object.keys(require.cache))}\n`);
  const builtins = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice('NativeModule '.length));
  process.stderr.write(`loaded-builtins ${JSON.stringify(builtins)}\n`);
});
