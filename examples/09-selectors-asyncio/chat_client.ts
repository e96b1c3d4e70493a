import { once } from 'node:events';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;

const conn = createConnection(PORT, HOST);
conn.on('error', (err) => {
  console.error(`连不上服务端: ${err.message}`);
  process.exit(1);
});
await once(conn, 'connect');
console.log(`已连接到 ${HOST}:${PORT}，输入一行回车发送，Ctrl-D 退出`);

// 同一个线程里同时等两件事：键盘输入和服务端发来的消息。在 Node 里这是默认的：
// 两边各登记一个回调，事件循环谁先有数据就先调谁
process.stdin.on('data', (data) => conn.write(data));
process.stdin.on('end', () => conn.end()); // Ctrl-D：告诉服务端“我不再发了”

const lines = createInterface({ input: conn, crlfDelay: Infinity });
for await (const line of lines) console.log(line);
console.log('服务端关闭了连接');
process.exit(0);
