"""聊天室的命令行客户端（websockets 10.4 的 websockets.connect）：一边读键盘发消息，一边收消息。

    python3 client.py [ws://127.0.0.1:8765/]

和 python3 -m websockets 一样：输入一行回车就发出去，Ctrl-D 正常关闭（1000）。
"""
import asyncio
import os
import sys

import websockets

URL = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:8765/"


def read_lines(loop):
    """不开线程读键盘：标准输入有数据时，事件循环调用 on_input，把读到的整行放进队列；None 表示输入结束"""
    lines = asyncio.Queue()
    fd = sys.stdin.fileno()
    pending = b""

    def on_input():
        nonlocal pending
        data = os.read(fd, 4096)
        if not data:  # Ctrl-D
            loop.remove_reader(fd)
            lines.put_nowait(None)
            return
        *complete, pending = (pending + data).split(b"\n")
        for line in complete:
            lines.put_nowait(line.decode("utf-8", errors="replace"))

    loop.add_reader(fd, on_input)
    return lines


async def receive(websocket):
    # 服务端关闭连接时循环结束
    async for message in websocket:
        print(f"< {message}", flush=True)


async def main():
    async with websockets.connect(URL) as websocket:
        print(f"已连接 {URL}，输入消息回车发送，Ctrl-D 退出", flush=True)
        receiving = asyncio.create_task(receive(websocket))
        lines = read_lines(asyncio.get_running_loop())
        while True:
            next_line = asyncio.create_task(lines.get())
            # 等“键盘来了一行”和“连接断了”里先发生的那个
            await asyncio.wait([next_line, receiving], return_when=asyncio.FIRST_COMPLETED)
            if not next_line.done():  # 服务端关闭了连接
                next_line.cancel()
                break
            line = next_line.result()
            if line is None:  # Ctrl-D：输入结束
                break
            await websocket.send(line)
        # 离开 async with 时发关闭帧（1000）并等服务端回关闭帧
    print(f"连接已关闭: {websocket.close_code} {websocket.close_reason}".rstrip(), flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("\n已退出", flush=True)
    except OSError as err:
        sys.exit(f"连不上 {URL}: {err}")
