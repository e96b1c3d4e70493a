/** 交互式客户端：每输入一行就发出去（末尾带 \n），然后等服务端回复。空行或 Ctrl-D 退出 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到服务端 ${HOST}:${PORT}，输入消息回车发送，空行退出`);

// terminal: false：行编辑和 Ctrl-C 交给终端处理，和 Python 的 input() 一样
const rl = createInterface({ input: process.stdin, terminal: false });
// 每次 next() 相当于 Python 的一次 input() 或 recv()
const lines: AsyncIterator<string> = rl[Symbol.asyncIterator]();
const replies: AsyncIterator<Buffer> = sock[Symbol.asyncIterator]();

process.on('SIGINT', () => {
  console.log('\nconnect close..');
  process.exit();
});

while (true) {
  process.stdout.write('>>');
  const line = await lines.next();
  if (line.done) {
    // Ctrl-D：输入结束。光标还停在 >> 后面，所以先换行
    console.log('\nconnect close..');
    break;
  }
  if (!line.value) {
    console.log('connect close..');
    break;
  }
  sock.write(`${line.value}\n`);
  // 回复都很短，这里一块数据就当成一条完整的回复。
  // 笔记的服务端回复不带 \n，改好的服务端带 \n，两种都能显示
  const reply = await replies.next();
  if (reply.done) {
    console.log('服务端关闭了连接');
    break;
  }
  console.log(`收到回复: ${reply.value.toString('utf8').trimEnd()}`);
}
rl.close();
sock.end();
