import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
const ts: tf.Tensor[] = [];
try { for (let i = 0; i < 100; i++) { ts.push(tf.ones([256, 1024, 1024])); console.log('allocated', (i + 1), 'GB', ((tf.backend() as any).wasm.HEAPU8.length / 2 ** 30).toFixed(2)); } } catch (e) { console.log('caught', String(e).slice(0, 200)); }
console.log('after');
