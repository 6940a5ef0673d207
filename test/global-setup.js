// Builds the app once before the end-to-end suite: the specs that run it as a child process (several
// instances, kill-and-restart) start the built output, and parallel builds into one dist/ would collide.
const { execFileSync } = require('node:child_process');

module.exports = async () => {
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'api'], { stdio: 'inherit' });
};
