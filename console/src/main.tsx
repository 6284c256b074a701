import { render } from 'preact';
import { App } from './components/App.js';
import './styles.css';
import 'uplot/dist/uPlot.min.css';

render(<App />, document.getElementById('app')!);
