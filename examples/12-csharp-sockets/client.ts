import { once } from 'node:events';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;

// 1、创建 socket 通信对象，2、使用正确的 ip 和端口去连接服务器
const clientSocket = createConnection(PORT, HOST);
await once(clientSocket, 'connect');
console.log(`已连接到服务端 ${HOST}:${PORT}，输入消息回车发送，空行退出`);

// terminal: false：行编辑和 Ctrl-C 交给终端处理，和 Python 的 input() 一样
const rl = createInterface({ input: process.stdin, terminal: false });
// 每次 next() 相当于 Python 的一次 input() 或 recv()
const lines: AsyncIterator<string> = rl[Symbol.asyncIterator]();
const replies: AsyncIterator<Buffer> = clientSocket[Symbol.asyncIterator]();

process.on('SIGINT', () => {
  // Ctrl-C 也算退出；进程退出时操作系统会关闭它打开的 socket
  console.log('\nconnect close..');
  process.exit();
});

// 3、客户端与服务器端进行通信
while (true) {
  process.stdout.write('>>');
  const line = await lines.next();
  if (line.done) {
    // Ctrl-D：输入结束。光标还停在 >> 后面，所以先换行
    console.log('\nconnect close..');
    break;
  }
  // 空行就结束：发送空字符串等于什么也没发，服务端不会回复，下面会一直等下去
  if (!line.value) {
    console.log('connect close..');
    break;
  }
  // write 会把数据全部发出（一时发不完就先排队），作用和 sendall 一样
  clientSocket.write(line.value);
  // 接收服务器的响应（服务器回复的消息）；done 说明服务端关闭了连接
  const reply = await replies.next();
  if (reply.done) {
    console.log('服务端关闭了连接');
    break;
  }
  console.log(`客户端收到服务器回复的消息: ${reply.value.toString('utf8')}`);
}
rl.close();
// 4、关闭 socket 对象
clientSocket.end();
