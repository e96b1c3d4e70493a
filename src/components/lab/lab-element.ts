/**
 * <socket-lab>: waits until the lab is about to scroll into view, then loads the terminal code (xterm.js and all)
 * and starts it. Pages without a lab never load any of it, and a lab below the fold costs nothing until reached.
 */
class SocketLabElement extends HTMLElement {
  #observer: IntersectionObserver | null = null;
  #stop: (() => void) | null = null;
  #started = false;

  connectedCallback(): void {
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void this.#start();
      },
      { rootMargin: '300px 0px' },
    );
    this.#observer.observe(this);
  }

  disconnectedCallback(): void {
    this.#observer?.disconnect();
    this.#stop?.();
    this.#stop = null;
    this.#started = false;
  }

  async #start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#observer?.disconnect();
    const { mountLab } = await import('./lab-app.ts');
    if (!this.isConnected) return;
    this.#stop = mountLab(this);
  }
}

if (!customElements.get('socket-lab')) customElements.define('socket-lab', SocketLabElement);
