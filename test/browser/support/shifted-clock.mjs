// Loaded into a test server with NODE_OPTIONS=--import (see shiftedClock in clock.ts): the
// process's clock runs ahead of the real one by the milliseconds written in the file named by
// HAKEN_TEST_CLOCK_FILE, read again whenever the file changes. A browser test moves the
// server past a visit it booked, so the visit can be reported, without a test hook in src/.
import { readFileSync, statSync } from 'node:fs';

const file = process.env.HAKEN_TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let seen = -1;
  let offset = 0;
  const now = () => {
    const changed = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (changed !== seen) {
      seen = changed;
      offset = changed === 0 ? 0 : Number(readFileSync(file, 'utf8')) || 0;
    }
    return realNow() + offset;
  };
  // `new Date()` and Date.now() run ahead; every other use of Date is untouched, and
  // instanceof still holds for dates made anywhere.
  RealDate.now = now;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    apply: () => new RealDate(now()).toString(),
  });
}
