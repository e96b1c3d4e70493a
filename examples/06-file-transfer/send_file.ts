/**
 * 发送方（客户端）：node send_file.ts 文件 [--name 对方看到的文件名]
 * 先发一个小小的头（文件名长度、文件名、文件大小），再发文件内容，格式见 recv_file.ts。
 * --name 可以随便指定发给对方的文件名，用来模拟一个不怀好意的发送方。
 */
import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import path from 'node:path';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 等数据全部交给操作系统再返回，和 Python 的 sendall 一样 */
function sendall(sock: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sock.write(data, (err) => (err ? reject(err) : resolve())));
}

const args = process.argv.slice(2);
let file: string;
let name: string;
if (args.length === 3 && args[1] === '--name') {
  file = args[0] as string;
  name = args[2] as string;
} else if (args.length === 1) {
  file = args[0] as string;
  name = path.basename(file); // 只发文件名，不发本地的目录
} else {
  console.error('用法: node send_file.ts 文件 [--name 对方看到的文件名]');
  process.exit(2);
}

const size = statSync(file).size;
const nameBytes = Buffer.from(name, 'utf8');
// 2 字节的名字长度和 8 字节的文件大小，都按网络字节序（大端）写
const nameLength = Buffer.alloc(2);
nameLength.writeUInt16BE(nameBytes.length);
const sizeBytes = Buffer.alloc(8);
sizeBytes.writeBigUInt64BE(BigInt(size));
const header = Buffer.concat([nameLength, nameBytes, sizeBytes]);
const hex = [...header].map((b) => b.toString(16).padStart(2, '0')).join(' ');
console.log(`头部 ${header.length} 字节: ${hex}`);

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
// 连接出错时 Node 除了让 sendall 失败，还会发出 error 事件；错误在下面的 catch 里处理
sock.on('error', () => {});
console.log(`发送 ${JSON.stringify(name)}（${size} 字节）到 ${HOST}:${PORT}`);
let sent = 0;
try {
  await sendall(sock, header);
  for await (const chunk of createReadStream(file, { highWaterMark: 65536 }) as AsyncIterable<Buffer>) {
    await sendall(sock, chunk); // 这一块全部交给操作系统才继续
    sent += chunk.length;
  }
} catch (err) {
  console.log(`发送失败，接收方断开了连接: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
// 数据都已经交给操作系统了，关闭连接（相当于 Python 的 close()），操作系统会把剩下的发完
sock.destroy();
console.log(`已发送 ${sent} 字节`);
