/**
 * 拆开的汉字：把“你”的 3 个 UTF-8 字节分两次发出去，中间停 1 秒。
 * 对方那时正停在 recv() 上，所以一定会分两次收到：先收到前 2 个字节，1 秒后才收到最后 1 个。
 * 用法：先在另一个终端运行聊天的服务端，再运行 node split_sender.ts
 */
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 等数据全部交给操作系统再返回，和 Python 的 sendall 一样 */
function sendall(sock: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sock.write(data, (err) => (err ? reject(err) : resolve())));
}

/** 和 Python 的 repr(bytes) 一样显示字节，比如 b'\xe4\xbd' */
function bytesRepr(data: Buffer): string {
  const shown = [...data].map((b) => (b === 0x0a ? '\\n' : `\\x${b.toString(16).padStart(2, '0')}`));
  return `b'${shown.join('')}'`;
}

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
await sendall(sock, Buffer.from('你好\n', 'utf8'));
console.log("整行发出: '你好\\n'");
await sleep(1000);
const data = Buffer.from('你\n', 'utf8'); // <e4 bd a0 0a>：“你”占 3 个字节
await sendall(sock, data.subarray(0, 2));
console.log(`发出前一半: ${bytesRepr(data.subarray(0, 2))}`);
await sleep(1000);
await sendall(sock, data.subarray(2));
console.log(`发出后一半: ${bytesRepr(data.subarray(2))}`);
await sleep(1000);
// 数据都已经交给操作系统了，直接关闭（相当于 Python 的 close()）
sock.destroy();
console.log('已断开');
