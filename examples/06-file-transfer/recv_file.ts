/**
 * 接收方（服务端）：收一个文件，存进 received/ 目录，然后等下一个。协议和 recv_file.py 一样：
 *   2 字节 文件名长度 n（大端）、n 字节 文件名（UTF-8）、8 字节 文件大小 size（大端）、size 字节 文件内容
 */
import { on, once } from 'node:events';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';

const HOST = '127.0.0.1';
const PORT = 2333;
const SAVE_DIR = 'received';
const MAX_SIZE = 100_000_000; // 不接受超过 100 MB 的文件，免得对方一个数字就把磁盘写满

/**
 * 套接字上的异步读取器：Node 把收到的数据一块一块交给我们（每块相当于一次 recv()），
 * 这里把多余的部分留着，下次接着用。
 */
class SocketReader {
  chunks = 0; // 一共收到了几块数据
  #buffered: Buffer = Buffer.alloc(0);
  readonly #source: AsyncIterator<Buffer>;

  constructor(sock: Socket) {
    this.#source = sock[Symbol.asyncIterator]();
  }

  /** 下一块数据，最多 max 字节；对方关闭了连接就返回 null（相当于 recv() 返回 b""） */
  async read(max: number): Promise<Buffer | null> {
    if (this.#buffered.length === 0) {
      const next = await this.#source.next();
      if (next.done) return null;
      this.chunks += 1;
      this.#buffered = next.value;
    }
    const data = this.#buffered.subarray(0, max);
    this.#buffered = this.#buffered.subarray(data.length);
    return data;
  }

  /** 收满 n 个字节才返回，和 recv_file.py 的 recv_exactly 一样 */
  async readExactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const data = await this.read(n - got);
      if (!data) throw new Error(`连接提前断开：需要 ${n} 字节，只收到 ${got} 字节`);
      parts.push(data);
      got += data.length;
    }
    return Buffer.concat(parts);
  }
}

/** 文件名不安全时返回原因，安全时返回 null。文件名来自网络，对方想写什么就写什么 */
function unsafeReason(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return '不是普通的文件名';
  if (name.includes('/') || name.includes('\\')) return '含有路径分隔符';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return '含有控制字符'; // NUL、换行、终端控制字符……
  if (Buffer.byteLength(name, 'utf8') > 255) return '太长';
  return null;
}

async function receiveFile(sock: Socket): Promise<void> {
  const reader = new SocketReader(sock);
  const nameLength = (await reader.readExactly(2)).readUInt16BE(0);
  const nameBytes = await reader.readExactly(nameLength);
  const size = (await reader.readExactly(8)).readBigUInt64BE(0); // 8 字节的整数超出了 number 的精确范围，所以是 BigInt
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(nameBytes);
  } catch {
    console.log(`拒绝：文件名不是合法的 UTF-8: ${nameBytes.toString('hex')}`);
    return;
  }
  console.log(`文件名: ${JSON.stringify(name)}，大小: ${size} 字节`);
  const reason = unsafeReason(name);
  if (reason) {
    // 如果直接拼路径，文件会写到哪里去
    const naive = path.resolve(SAVE_DIR, name);
    console.log(`拒绝：文件名${reason}；照原样保存会写到 ${JSON.stringify(naive)}`);
    return;
  }
  if (size > BigInt(MAX_SIZE)) {
    console.log(`拒绝：文件太大（上限 ${MAX_SIZE} 字节）`);
    return;
  }

  const total = Number(size);
  await mkdir(SAVE_DIR, { recursive: true });
  const file = path.join(SAVE_DIR, name);
  const partial = `${file}.part`; // 先写临时文件，收完整了再改名，不留下半个文件
  const out = await open(partial, 'w');
  let received = 0;
  let reads = 0; // 读了几次，相当于 recv_file.py 里 recv() 的调用次数
  try {
    while (received < total) {
      const data = await reader.read(total - received);
      reads += 1;
      if (!data) break;
      await out.write(data);
      received += data.length;
    }
  } finally {
    await out.close();
  }
  if (received < total) {
    await rm(partial);
    console.log(`连接提前断开：只收到 ${received} / ${total} 字节，已丢弃`);
    return;
  }
  await rename(partial, file);
  console.log(`已保存 ${file}：${received} 字节，读了 ${reads} 次（一共收到 ${reader.chunks} 块数据）`);
}

// pauseOnConnect：连接先不读，由下面的循环一个一个处理，和 recv_file.py 一样
const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`接收方已启动，正在监听 ${HOST}:${PORT}，文件保存到 ${SAVE_DIR}/`);

process.on('SIGINT', () => {
  console.log('\n接收方已停止');
  process.exit();
});

for await (const [sock] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`发送方已连接: ${sock.remoteAddress}:${sock.remotePort}`);
  try {
    await receiveFile(sock);
  } catch (err) {
    console.log(err instanceof Error ? err.message : String(err));
  }
  sock.destroy();
}
