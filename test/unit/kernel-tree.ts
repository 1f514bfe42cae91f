// Where the tests find Debian's linux-source-6.1 arch/: unpacked whole by `npm run bench`, or arch/ alone by
// .ci/install. CI always has it; HOTPLUG_RACE_KERNEL=0 leaves those tests out of a quick local run.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export const ARCH = [path.join(ROOT, '.cache', 'linux-6.1', 'arch'), path.join(ROOT, '.cache', 'linux-6.1-arch', 'arch')].find((d) => fs.existsSync(d));

export const kernelSkip: string | false = !ARCH ? 'no kernel arch/ under .cache (bash .ci/install unpacks it)' : process.env.HOTPLUG_RACE_KERNEL === '0' ? 'HOTPLUG_RACE_KERNEL=0' : false;
