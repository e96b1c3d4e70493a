import { createSocket } from 'node:dgram';

const HOST = '127.0.0.1';
const PORT = Number(process.argv[2] ?? 2333);

const sock = createSocket('udp4');
// 没有 connect：每个数据报都写上收件地址。三次 send 紧挨着发出
for (const message of ['a', 'b', 'c']) {
  const sent = await new Promise<number>((resolve, reject) =>
    sock.send(message, PORT, HOST, (err, bytes) => (err ? reject(err) : resolve(bytes))),
  );
  console.log(`send '${message}' → ${HOST}:${PORT}，${sent} 字节`);
}
// 没人在那个端口上收，send 也照样成功：UDP 不握手，发出去就不管了
console.log('3 个数据报都发出去了（发出去不等于有人收到）');
sock.close();
