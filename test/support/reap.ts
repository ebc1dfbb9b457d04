// After each test file: no process a test started outlives it, even when the test failed midway.
import { Running } from '../integration/helpers';

afterAll(() => Running.killAll());
