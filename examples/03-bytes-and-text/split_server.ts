/**
 * 每次 recv(1024) 收到的字节马上单独解码：一个字符被切成两半，就会出错。和 split_server.py 一样，
 * 只是多显示了一行：Node 的 buffer.toString() 遇到半个字符不报错，悄悄换成 �。
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Receiver } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;

const hex = (data: Buffer) => [...data].map((b) => b.toString(16).padStart(2, '0')).join(' ');

const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`服务端已启动，正在监听 ${HOST}:${PORT}`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});

for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`客户端已连接: ${conn.remoteAddress}:${conn.remotePort}`);
  const receiver = new Receiver(conn);
  while (true) {
    const data = await receiver.recv(1024);
    if (data.length === 0) {
      console.log('客户端关闭了连接');
      break;
    }
    console.log(`recv(1024) 收到 ${data.length} 字节，最后 3 个字节: ${hex(data.subarray(-3))}`);
    console.log(`  buffer.toString() 不报错，最后几个字符: ${[...data.toString('utf8')].slice(-5).join('')}`);
    // fatal: true 的 TextDecoder 和 Python 的 decode() 一样严格：结尾是半个字符就抛出 TypeError
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    console.log(`  解码得到 ${[...text].length} 个字符，最后几个: ${[...text].slice(-5).join('')}`);
  }
  conn.destroy();
}
