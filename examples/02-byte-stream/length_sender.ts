/** 和 sender.ts 发一样的内容，只是每条消息前面加 4 字节的长度头。配合 length_server.py / length_server.ts 使用。 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;
const HEADER_SIZE = 4; // 和 length_server 约定好的长度头：4 字节大端无符号整数

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
const receiver = new Receiver(sock);

function sendMessage(body: Buffer): Promise<void> {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32BE(body.length);
  return sendall(sock, Buffer.concat([header, body]));
}

/** 不多不少正好收 n 字节：一次 recv 不够就接着收 */
async function recvExactly(n: number): Promise<Buffer> {
  let data = Buffer.alloc(0);
  while (data.length < n) {
    const chunk = await receiver.recv(n - data.length);
    if (chunk.length === 0) throw new Error(`对方关闭了连接，还差 ${n - data.length} 字节`);
    data = Buffer.concat([data, chunk]);
  }
  return data;
}

async function recvMessage(): Promise<Buffer> {
  const length = (await recvExactly(HEADER_SIZE)).readUInt32BE(0);
  return recvExactly(length);
}

await sendMessage(Buffer.from('first'));
console.log("发送 b'\\x00\\x00\\x00\\x05' + b'first'");
await sendMessage(Buffer.from('second'));
console.log("发送 b'\\x00\\x00\\x00\\x06' + b'second'");
for (let i = 0; i < 2; i++) console.log(`回复: ${preview(await recvMessage())}`);

const big = Buffer.alloc(5000, 'x');
await sendMessage(big);
console.log(`发送 b'\\x00\\x00\\x13\\x88' + ${big.length} 字节`);
const reply = await recvMessage();
console.log(`回复: 一条 ${reply.length} 字节的消息: ${preview(reply)}`);
sock.end();
