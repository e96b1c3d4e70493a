import asyncio
import os
import sys

HOST, PORT = "127.0.0.1", 2333


async def main():
    reader, writer = await asyncio.open_connection(HOST, PORT)
    print(f"已连接到 {HOST}:{PORT}，输入一行回车发送，Ctrl-D 退出", flush=True)

    # 同一个线程里同时等两件事：键盘输入和服务端发来的消息。
    # 第 8 课为此开了一个接收线程；这里让事件循环替我们盯着标准输入（fd 0）
    loop = asyncio.get_running_loop()
    typed = asyncio.Queue()
    # 终端按行交给程序，所以“可读”的时候一整行已经在那里了
    loop.add_reader(0, lambda: typed.put_nowait(os.read(0, 4096)))

    async def keyboard():
        while data := await typed.get():  # Ctrl-D：os.read 返回 b""
            writer.write(data)
            await writer.drain()
        writer.write_eof()  # 告诉服务端“我不再发了”，相当于 shutdown(SHUT_WR)

    async def network():
        while line := await reader.readline():
            print(line.decode("utf-8", errors="replace"), end="", flush=True)
        print("服务端关闭了连接", flush=True)

    sending = asyncio.create_task(keyboard())
    await network()  # 服务端关闭连接（或回应我们的 Ctrl-D）时结束
    sending.cancel()
    loop.remove_reader(0)
    writer.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print()
    except ConnectionRefusedError as err:
        print(f"连不上服务端: {err}", file=sys.stderr)
        sys.exit(1)
