// The notes' computation graph, J = 3(a + b·c), differentiated by neurite's autograd.
// Run: npm run build && node examples/autograd.mjs
import { variable } from 'neurite';

const a = variable(5);
const b = variable(3);
const c = variable(2);
const J = a.add(b.mul(c)).mul(3); // u = b·c, v = a + u, J = 3v
J.backward();
console.log(`J = ${J.item()}`); // 33
console.log(`dJ/da = ${a.grad.item()}, dJ/db = ${b.grad.item()}, dJ/dc = ${c.grad.item()}`); // 3, 6, 9
