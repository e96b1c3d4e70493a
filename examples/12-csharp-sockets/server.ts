import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 等数据全部交给操作系统再返回，和 Python 的 sendall 一样 */
function sendall(conn: Socket, data: string): Promise<void> {
  return new Promise((resolve, reject) => conn.write(data, (err) => (err ? reject(err) : resolve())));
}

// 1、创建服务端的 socket 对象。pauseOnConnect：新连接先不读，排队等前一个客户端离开，
// 这样才和 server.py 一样一次只服务一个客户端（第 7 课再同时服务多个）
const server = createServer({ pauseOnConnect: true });
// 2、绑定 ip 和端口，3、开始监听（最多排 5 个）。
// Node 默认就设置了 SO_REUSEADDR（第 4 课讲它的作用）
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`服务端已启动，正在监听 ${HOST}:${PORT}`);

process.on('SIGINT', () => {
  // Ctrl-C 停止服务端；进程退出时操作系统会关闭它打开的所有 socket
  console.log('\n服务端已停止');
  process.exit();
});

// 4、等待客户端连接：每一轮相当于 server.py 里的一次 accept()
for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  const peer = `${conn.remoteAddress}:${conn.remotePort}`;
  console.log(`客户端已连接: ${peer}`);
  try {
    // 5、客户端与服务端进行通信：每块数据相当于一次 recv()，客户端关闭连接时循环结束
    for await (const data of conn as AsyncIterable<Buffer>) {
      // 和 errors="replace" 一样，不是合法 UTF-8 的字节显示成 �（第 3 课）
      const message = data.toString('utf8');
      console.log(`服务端收到客户端发来的消息: ${message}`);
      // 6、服务端给客户端回消息
      await sendall(conn, `服务端已收到: ${message}`);
    }
  } catch (err) {
    // 客户端异常断开只影响这一个连接，服务端接着等下一个（第 4 课）
    console.log(`连接异常断开: ${err instanceof Error ? err.message : String(err)}`);
  }
  // 7、关闭和这个客户端的连接（相当于 conn.close()），回到循环开头等下一个客户端
  conn.destroy();
  console.log(`客户端已断开: ${peer}`);
}
