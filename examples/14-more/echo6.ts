import { createServer } from 'node:net';

const HOST = '::1'; // IPv6 的回环地址，相当于 IPv4 的 127.0.0.1
const PORT = 2333;

// 地址写成 IPv6 的，Node 就建一个 AF_INET6 的 socket。其余和 IPv4 完全一样
const server = createServer((conn) => {
  console.log(`客户端已连接: [${conn.remoteAddress}]:${conn.remotePort}（${conn.remoteFamily}）`);
  conn.on('data', (data: Buffer) => {
    console.log(`收到 ${data.length} 字节: ${JSON.stringify(data.toString('utf8'))}`);
    conn.write(data); // 原样发回
  });
  conn.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
  conn.on('close', () => console.log('客户端已断开'));
});
server.listen(PORT, HOST, () => console.log(`IPv6 echo 服务端已启动，正在监听 [${HOST}]:${PORT}`));

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
