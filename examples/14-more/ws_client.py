import asyncio
import sys

import websockets

URI = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:2333/chat"
MESSAGES = ["你好，我是 Python 的 websockets 客户端", "第二条消息"]


async def main():
    async with websockets.connect(URI) as websocket:  # 握手：一次 HTTP 请求，101 Switching Protocols
        print(f"已连接 {URI}", flush=True)
        for message in MESSAGES:
            await websocket.send(message)
            print(f"发送: {message}", flush=True)
            print(f"回复: {await websocket.recv()}", flush=True)
    # 离开 async with 时发送关闭帧（1000 表示正常关闭）并等对方回应
    print(f"已关闭，关闭码 {websocket.close_code}", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except OSError as err:
        print(f"连不上服务端: {err}", file=sys.stderr)
        sys.exit(1)
