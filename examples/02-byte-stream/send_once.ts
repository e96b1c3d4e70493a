/**
 * Node 的 write() 和 Python 的 send() 不一样：它不会只发一部分。数据一律收下，内核一时放不下的
 * 就在 Node 自己的队列里排队，之后在后台接着写；返回 false 是在提醒你“队列已经很长了，先别写了”。
 * 配合 sink_server.py / sink_server.ts（端口 2334）使用。
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2334;
const SIZE = 10_000_000; // 1000 万字节，比内核的发送缓冲区大得多

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
const data = Buffer.alloc(SIZE, 'x');
const started = performance.now();
const ok = sock.write(data, (err) => {
  // 回调在全部数据都交给内核以后才调用，这时才相当于 Python 的 sendall() 返回
  if (err) console.log(`发送失败: ${err.message}`);
  else console.log(`write() 的回调：${SIZE} 字节全部交给了内核，用了 ${Math.round(performance.now() - started)} 毫秒`);
  sock.end();
});
console.log(`write() 返回 ${ok}：${SIZE} 字节 Node 全部收下了，还有 ${sock.writableLength} 字节在 Node 的队列里排队`);
