import path from 'node:path';
import { takeScreenshots } from './screenshots';

/** `npm run screenshots`: refreshes the README's screenshots in docs/screenshots. */
takeScreenshots(path.join(__dirname, '..', '..', 'docs', 'screenshots')).then(
  (shots) => {
    for (const shot of shots) console.log(`wrote ${path.relative(process.cwd(), shot.file)}`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
