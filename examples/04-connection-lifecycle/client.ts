/**
 * 发几条消息，然后关闭发送方向，等服务端的回复。和 client.py 一样。
 * 用法：node client.ts          发完调用 end()：发 FIN，不再发了，但还能收（相当于 shutdown(SHUT_WR)）
 *       node client.ts --close  发完直接 destroy()：两个方向一起关，回复再也收不到了（相当于 close()）
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const PORT = 2333;
const MESSAGES = ['你好', '再见'];

const useClose = process.argv.slice(2).includes('--close');
const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
let gotData = false;
sock.on('data', (data: Buffer) => {
  gotData = true;
  process.stdout.write(`收到: ${data.toString('utf8')}`);
});
sock.on('end', () => console.log("收到 EOF（相当于 recv() 返回 b''）：服务端关闭了连接"));

for (const message of MESSAGES) {
  await new Promise((resolve) => sock.write(message, resolve));
  console.log(`发出: ${message}`);
}
if (useClose) {
  sock.destroy();
  console.log('destroy()：连接关了，再等 1 秒看看有没有回复……');
  await sleep(1000);
  if (!gotData) console.log('一个字节也没收到：destroy() 之后，这个套接字什么也收不到了');
} else {
  // 发一个 FIN 过去：服务端读到 EOF；我们这边还能接着收
  sock.end();
  console.log('end()：不再发了，等回复');
}
