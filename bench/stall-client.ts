/**
 * A learner whose page freezes: run by terminal-path.ts, which stops this whole process (SIGSTOP) while `yes`
 * floods its terminal, so that it neither reads its socket nor acknowledges anything. After SIGCONT it presses Ctrl-C
 * and reports how much output still arrived before the prompt came back: the stale output.
 */
import { COMMANDS, Learner } from './support.ts';

const [url, cookie] = process.argv.slice(2) as [string, string];
const send = (message: object) => process.send?.(message);
const learner = new Learner(url, cookie);
await learner.until(() => learner.status === 'idle');
learner.socket.run('t1', COMMANDS.yes);
await learner.until(() => learner.received > 1_000_000);
send({ type: 'flowing' });

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'resumed') return;
  const before = learner.received;
  learner.socket.signal('t1', 'SIGINT');
  await learner.until(() => learner.status === 'idle');
  send({ type: 'stale', bytes: learner.received - before });
  learner.socket.close();
  process.disconnect();
});
