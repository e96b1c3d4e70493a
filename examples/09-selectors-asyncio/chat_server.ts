import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;

// 所有在线客户端。和 asyncio 一样只有一个线程在跑我们的代码，不需要锁
const clients = new Set<Socket>();

/** 把一行字发给除 sender 以外的所有人。write 只是放进缓冲区，不会等 */
function broadcast(message: string, sender?: Socket): void {
  for (const conn of clients) if (conn !== sender) conn.write(message);
}

// 每个连接调用一次这个函数，相当于 chat_server.py 里的 handle 协程
const server = createServer(async (conn) => {
  const name = `${conn.remoteAddress}:${conn.remotePort}`;
  clients.add(conn);
  console.log(`${name} 加入（在线 ${clients.size} 人）`);
  conn.write(`* 欢迎 ${name}，在线 ${clients.size} 人\n`);
  broadcast(`* ${name} 加入了聊天室\n`, conn);
  // 连接出错（比如对方直接重置了连接）：打印出来；下面的循环也会因此结束
  conn.on('error', (err) => console.log(`${name} 出错: ${err.message}`));
  try {
    // 分帧：一行一条消息，相当于 await reader.readline()
    const lines = createInterface({ input: conn, crlfDelay: Infinity });
    for await (const text of lines) {
      console.log(`${name}: ${text}`);
      broadcast(`${name}: ${text}\n`, conn);
    }
    // 循环正常结束：对方关闭了连接
  } catch {
    // 出错也结束循环，错误已经在上面的 'error' 回调里打印过了
  } finally {
    clients.delete(conn);
    conn.destroy();
    console.log(`${name} 离开（在线 ${clients.size} 人）`);
    broadcast(`* ${name} 离开了聊天室\n`);
  }
});

server.listen(PORT, HOST, () => {
  console.log(`聊天室（Node 事件循环）已启动，正在监听 ${HOST}:${PORT}，pid ${process.pid}`);
});

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
