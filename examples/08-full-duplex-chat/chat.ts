/**
 * 全双工聊天（改好的版本）。一方运行 node chat.ts server，另一方运行 node chat.ts client。
 * Node 不需要线程：键盘和套接字都是事件，谁有数据就调用谁的回调，一个线程同时等着两边。
 */
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;

// 角色由命令行参数决定，不用改文件（问题六）
const role = process.argv[2];
if (process.argv.length !== 3 || (role !== 'server' && role !== 'client')) {
  console.error('用法: node chat.ts server|client');
  process.exit(2);
}

process.on('SIGINT', () => {
  // Ctrl-C；进程退出时操作系统会关闭它打开的套接字
  console.log('\n已中断');
  process.exit();
});

async function connect(): Promise<Socket> {
  if (role === 'server') {
    const listener = createServer();
    listener.listen(PORT, HOST, 1);
    await once(listener, 'listening');
    console.log(`等待对方连接 ${HOST}:${PORT} …`);
    const [sock] = (await once(listener, 'connection')) as [Socket];
    // 只和一个人聊（问题五）：接受以后马上关掉监听套接字，
    // 第二个客户端会直接得到 Connection refused，而不是连上了却没人理
    listener.close();
    console.log(`对方已连接: ${sock.remoteAddress}:${sock.remotePort}`);
    return sock;
  }
  const sock = createConnection(PORT, HOST);
  await once(sock, 'connect');
  console.log(`已连接到 ${HOST}:${PORT}`);
  return sock;
}

const sock = await connect();
console.log('输入消息回车发送，输入 exit 或按 Ctrl-D 结束');
let leaving = false;

// 收消息：readline 按 \n 切分消息（问题三），并且增量解码 UTF-8，
// 一个汉字的字节被拆到两块数据里也没关系（问题四）。连接结束时它不会给出空行（问题一）
const incoming = createInterface({ input: sock, crlfDelay: Infinity });
incoming.on('line', (line) => console.log(`对方: ${line}`));

// 读键盘、发消息：一行一条消息，末尾的 \n 就是消息的边界
const keyboard = createInterface({ input: process.stdin, terminal: false });
keyboard.on('line', (line) => {
  if (line === 'exit') {
    keyboard.close();
    return;
  }
  sock.write(`${line}\n`);
});
// exit 或 Ctrl-D（输入结束）：发 FIN 告诉对方“我说完了”，写完后关闭连接，
// 相当于 Python 版的 shutdown(SHUT_RDWR) 加 close()（问题二）
keyboard.on('close', () => {
  leaving = true;
  sock.end(() => sock.destroy());
});

sock.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
sock.on('close', (hadError) => {
  if (!hadError) console.log(leaving ? '你结束了聊天' : '对方结束了聊天');
  process.exit();
});
