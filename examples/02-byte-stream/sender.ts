/**
 * 连着发两次小消息，再发一条 5000 字节的大消息，看看对方收到的是什么样子。和 sender.py 一样。
 * 配合 upper_server.py / upper_server.ts 使用：它把每次 recv 到的东西转成大写发回来。
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
const receiver = new Receiver(sock);

/** 一直 recv，直到收够 expected 字节，每次 recv 拿到多少都打印出来 */
async function receive(expected: number): Promise<Buffer> {
  let reply = Buffer.alloc(0);
  while (reply.length < expected) {
    // 一次最多拿 64 KiB，不会是这里把回复拆开的
    const data = await receiver.recv(65536);
    if (data.length === 0) throw new Error('服务端关闭了连接');
    console.log(`  recv() 收到 ${data.length} 字节: ${preview(data)}`);
    reply = Buffer.concat([reply, data]);
  }
  return reply;
}

// 1. 两次 sendall，紧挨着发出去
await sendall(sock, Buffer.from('first'));
console.log("sendall(b'first')");
await sendall(sock, Buffer.from('second'));
console.log("sendall(b'second')");
let reply = await receive('FIRSTSECOND'.length);
console.log(`回复: ${preview(reply)}`);

// 2. 一次 sendall 发 5000 字节
const big = Buffer.alloc(5000, 'x');
await sendall(sock, big);
console.log(`sendall(${big.length} 字节)`);
reply = await receive(big.length);
console.log(`回复一共 ${reply.length} 字节`);
sock.end();
