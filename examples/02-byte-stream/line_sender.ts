/** 和 sender.ts 发一样的内容，只是每条消息后面加一个 "\n"。配合 line_server.py / line_server.ts 使用。 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
const receiver = new Receiver(sock);
let buffer = Buffer.alloc(0);

/** 读一行（不含换行符）：缓冲区里还没有换行，就接着 recv。和 line_server.ts 里的做法一样 */
async function readLine(): Promise<Buffer> {
  let end: number;
  while ((end = buffer.indexOf(0x0a)) === -1) {
    const data = await receiver.recv(65536);
    if (data.length === 0) throw new Error('服务端关闭了连接');
    buffer = Buffer.concat([buffer, data]);
  }
  const line = buffer.subarray(0, end);
  buffer = buffer.subarray(end + 1);
  return line;
}

await sendall(sock, Buffer.from('first\n'));
console.log("sendall(b'first\\n')");
await sendall(sock, Buffer.from('second\n'));
console.log("sendall(b'second\\n')");
for (let i = 0; i < 2; i++) console.log(`回复: ${preview(await readLine())}`);

const big = Buffer.alloc(5000, 'x');
await sendall(sock, Buffer.concat([big, Buffer.from('\n')]));
console.log(`sendall(${big.length} 字节 + b'\\n')`);
const reply = await readLine();
console.log(`回复: 一条 ${reply.length} 字节的消息: ${preview(reply)}`);
sock.end();
