import { createServer } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;

// Node 自己就是一个事件循环（libuv，在 Linux 上也是 epoll）：我们不写 select() 循环，
// 只登记“有新连接时做什么”“有数据时做什么”，循环由 Node 来转
let clients = 0;
const server = createServer((conn) => {
  const name = `${conn.remoteAddress}:${conn.remotePort}`;
  clients += 1;
  console.log(`客户端已连接: ${name}（在线 ${clients} 个）`);

  // 相当于 echo_server.py 里“选择器说可读 → recv()”
  conn.on('data', (data: Buffer) => {
    const text = data.toString('utf8').replace(/[\r\n]+$/, '');
    console.log(`收到 ${name} 的 ${data.length} 字节: ${text}`);
    // write 不会卡住：发不完的部分 Node 替我们排队，等可写了再发（就是 outbox）
    conn.write(data);
  });
  conn.on('error', (err) => console.log(`连接出错: ${name}（${err.message}）`));
  conn.on('close', () => {
    clients -= 1;
    console.log(`客户端已断开: ${name}`);
  });
  // 对方关闭了连接（recv 到 b""）：我们也关闭。Node 默认就会这样做（allowHalfOpen: false）
});

server.listen(PORT, HOST, 5, () => {
  console.log(`echo 服务端（Node 事件循环）已启动，正在监听 ${HOST}:${PORT}，pid ${process.pid}`);
});

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
