import { existsSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';

const PATH = '/tmp/socket-lab.sock'; // Unix 域套接字的地址是一个文件路径

// 上次留下的套接字文件还在的话，listen 会报 EADDRINUSE，所以先删掉
if (existsSync(PATH)) unlinkSync(PATH);

// listen 的参数是路径，Node 就建一个 AF_UNIX 的 socket：不经过 IP，没有端口
const server = createServer((conn) => {
  // 客户端通常不 bind，没有地址
  console.log(`客户端已连接: ${JSON.stringify(conn.remoteAddress ?? '')}`);
  conn.on('data', (data: Buffer) => {
    console.log(`收到 ${data.length} 字节: ${JSON.stringify(data.toString('utf8'))}`);
    conn.write(data); // 原样发回
  });
  conn.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
  conn.on('close', () => console.log('客户端已断开'));
});
server.listen(PATH, () => console.log(`Unix echo 服务端已启动，正在监听 ${PATH}`));

process.on('SIGINT', () => {
  // 和 Python 版一样退出前删掉套接字文件（Node 的 server.close() 也会删）
  server.close();
  console.log('\n服务端已停止');
  process.exit();
});
