/**
 * 这一课 TypeScript 例子共用的几个小工具：recv()、sendall()，以及像 Python 那样显示 bytes。
 */
import type { Socket } from 'node:net';

/**
 * Node 没有 recv()：数据一到，Node 就读出来交给 'data' 事件。Receiver 把收到的字节先攒着
 * （相当于内核的接收缓冲区），recv(bufsize) 再从中取出最多 bufsize 字节，和 Python 的 recv 一样：
 * 没有数据就等，对方关闭了连接（EOF）就返回空的 Buffer，连接出错就抛出异常。
 */
export class Receiver {
  #buffer = Buffer.alloc(0);
  #eof = false;
  #error: Error | null = null;
  #wake: () => void = () => {};

  constructor(sock: Socket) {
    sock.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    sock.on('end', () => {
      this.#eof = true;
      this.#wake();
    });
    sock.on('error', (err) => {
      this.#error = err;
      this.#wake();
    });
    // 服务端用了 pauseOnConnect 的话，新连接先停着不读，轮到它了再开始读
    sock.resume();
  }

  async recv(bufsize: number): Promise<Buffer> {
    while (this.#buffer.length === 0 && !this.#eof && !this.#error) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#buffer.length === 0 && this.#error) throw this.#error;
    const data = this.#buffer.subarray(0, bufsize);
    this.#buffer = this.#buffer.subarray(data.length);
    return data;
  }
}

/** 等数据全部交给操作系统再返回，和 Python 的 sendall 一样 */
export function sendall(sock: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sock.write(data, (err) => (err ? reject(err) : resolve())));
}

/** 像 Python 那样显示 bytes，比如 b'first'；长的只显示开头 */
export function preview(data: Buffer): string {
  const repr = (part: Buffer) => {
    let text = '';
    for (const b of part) {
      if (b === 0x0a) text += '\\n';
      else if (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c) text += String.fromCharCode(b);
      else text += `\\x${b.toString(16).padStart(2, '0')}`;
    }
    return `b'${text}'`;
  };
  return data.length <= 24 ? repr(data) : repr(data.subarray(0, 16)) + '…';
}
