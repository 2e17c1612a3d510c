// Azurite's queue service, tied to the process that started it: when that process closes this one's standard input
// (on dispose, or by dying, even from SIGKILL), Azurite shuts down as on Ctrl+C, saving its data first.
process.stdin.on('end', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(0), 5000).unref();
});
process.stdin.resume();
require('azurite/dist/src/queue/main.js');
