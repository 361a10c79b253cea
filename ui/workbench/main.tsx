import { createRoot } from 'react-dom/client';
import { App } from './app';
import './workbench.css';

const root = document.getElementById('workbench');
if (root) createRoot(root).render(<App />);
