// Cairn dashboard: draws large scenes (DAG, timeline) on a canvas with pan and zoom, recolours steps from live
// events, and toggles collapsed steps. No inline script anywhere: this file is the page's only own script.
(function () {
  'use strict';
  var COLOURS = {
    pending: '#d0d4da', running: '#f2c14e', completed: '#5cb85c', cached: '#5bc0de', failed: '#d9534f',
    skipped: '#a0a0a0', artifact: '#e8e8e8', root: '#ffd966'
  };

  function collapseUrl(runId, collapsedList, step) {
    var list = collapsedList ? collapsedList.split(',').filter(function (s) { return s; }) : [];
    var at = list.indexOf(step);
    if (at >= 0) { list.splice(at, 1); } else { list.push(step); }
    var params = new URLSearchParams(window.location.search);
    params.set('view', 'dag');
    if (list.length) { params.set('collapsed', list.join(',')); } else { params.delete('collapsed'); }
    return '/runs/' + runId + '?' + params.toString();
  }

  function CanvasScene(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.scale = 1;
    this.offsetX = 0;
    this.offsetY = 0;
    this.scene = null;
    this.byId = {};
  }

  CanvasScene.prototype.load = function () {
    var self = this;
    var embedded = document.getElementById('scene-data');
    var loading = embedded ? Promise.resolve(JSON.parse(embedded.textContent))
      : fetch(this.canvas.getAttribute('data-scene-url'), { credentials: 'same-origin' }).then(function (response) { return response.json(); });
    loading
      .then(function (scene) {
        self.scene = scene;
        scene.boxes.forEach(function (box) { self.byId[box[4]] = box; });
        var frame = self.canvas.parentElement;
        self.canvas.width = Math.max(400, frame.clientWidth - 4);
        self.canvas.height = Math.min(720, Math.max(320, scene.height + 20));
        // fit the width (a tall scene is panned vertically), never so small that boxes vanish
        self.scale = Math.max(0.25, Math.min(1, self.canvas.width / scene.width));
        self.draw();
        self.canvas.setAttribute('data-rendered', String(scene.boxes.length));
        self.bind();
      });
  };

  CanvasScene.prototype.draw = function () {
    var ctx = this.ctx, scene = this.scene, s = this.scale;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(s, 0, 0, s, this.offsetX, this.offsetY);
    var left = -this.offsetX / s, top = -this.offsetY / s;
    var right = left + this.canvas.width / s, bottom = top + this.canvas.height / s;
    ctx.strokeStyle = '#9aa3ad';
    ctx.lineWidth = 1 / s;
    ctx.beginPath();
    scene.lines.forEach(function (l) {
      if (Math.max(l[0], l[2]) < left || Math.min(l[0], l[2]) > right || Math.max(l[1], l[3]) < top || Math.min(l[1], l[3]) > bottom) { return; }
      ctx.moveTo(l[0], l[1]);
      ctx.lineTo(l[2], l[3]);
    });
    ctx.stroke();
    var labels = s > 0.45;
    var timeline = this.canvas.getAttribute('data-kind') === 'timeline';
    ctx.font = '12px sans-serif';
    scene.boxes.forEach(function (b) {
      var x = b[0], y = b[1], w = b[2], h = b[3];
      if (x + w < left - (timeline ? 230 : 0) || x > right || y + h < top || y > bottom) { return; }
      ctx.fillStyle = COLOURS[b[6]] || '#cccccc';
      ctx.fillRect(x, y, w, h);
      if (labels) {
        ctx.fillStyle = '#1d2430';
        if (timeline) {
          ctx.fillText(b[5].slice(0, 30), 4, y + h - 3);
        } else {
          ctx.fillText((b[5].length > 24 ? b[5].slice(0, 23) + '…' : b[5]) + (b[8] ? ' ' + b[8] : ''), x + 6, y + h / 2 + 4);
        }
      }
    });
    ctx.fillStyle = '#555';
    scene.axis.forEach(function (a) { ctx.fillText(a[2], a[0], a[1]); });
    this.canvas.setAttribute('data-offset-x', String(Math.round(this.offsetX)));
    this.canvas.setAttribute('data-offset-y', String(Math.round(this.offsetY)));
    this.canvas.setAttribute('data-scale', String(Math.round(this.scale * 1000) / 1000));
  };

  CanvasScene.prototype.boxAt = function (event) {
    var rect = this.canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left - this.offsetX) / this.scale;
    var y = (event.clientY - rect.top - this.offsetY) / this.scale;
    var boxes = this.scene.boxes;
    for (var i = boxes.length - 1; i >= 0; i--) {
      var b = boxes[i];
      if (x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3]) { return b; }
    }
    return null;
  };

  CanvasScene.prototype.bind = function () {
    var self = this, canvas = this.canvas, drag = null, moved = false;
    canvas.addEventListener('pointerdown', function (e) {
      drag = { x: e.clientX, y: e.clientY, ox: self.offsetX, oy: self.offsetY };
      moved = false;
      if (canvas.setPointerCapture) { canvas.setPointerCapture(e.pointerId); }
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drag) { return; }
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; }
      self.offsetX = drag.ox + dx;
      self.offsetY = drag.oy + dy;
      self.draw();
    });
    canvas.addEventListener('pointerup', function (e) {
      var wasDrag = moved;
      drag = null;
      if (wasDrag) { return; }
      var box = self.boxAt(e);
      if (!box) { return; }
      var run = canvas.getAttribute('data-run');
      if (e.shiftKey && run && canvas.getAttribute('data-kind') === 'dag') {
        window.location.href = collapseUrl(run, canvas.getAttribute('data-collapsed'), box[5]);
      } else {
        window.location.href = box[7] || (self.scene.href_prefix + box[4]);
      }
    });
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var px = e.clientX - rect.left, py = e.clientY - rect.top;
      var factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
      var next = Math.max(0.02, Math.min(4, self.scale * factor));
      self.offsetX = px - (px - self.offsetX) * (next / self.scale);
      self.offsetY = py - (py - self.offsetY) * (next / self.scale);
      self.scale = next;
      self.draw();
    }, { passive: false });
  };

  CanvasScene.prototype.setStatus = function (id, status) {
    var box = this.byId[id];
    if (box) { box[6] = status; }
  };

  var canvasScene = null;

  function applyUpdates(container) {
    var items = container.querySelectorAll('li[data-step]');
    for (var i = 0; i < items.length; i++) {
      var id = items[i].getAttribute('data-step');
      var status = items[i].getAttribute('data-status');
      var node = document.querySelector('g.node[data-node="' + id + '"]');
      if (node) { node.setAttribute('class', 'node status-' + status); }
      var cell = document.getElementById('step-status-' + id);
      if (cell) {
        var badge = document.createElement('span');
        badge.className = 'badge status-' + status;
        badge.textContent = status.toUpperCase();
        cell.replaceChildren(badge);
      }
      if (canvasScene) { canvasScene.setStatus(id, status); }
    }
    if (canvasScene && canvasScene.scene) { canvasScene.draw(); }
  }

  document.addEventListener('htmx:sseMessage', function (e) {
    var target = e.target;
    if (target && target.id === 'step-updates') { applyUpdates(target); }
  });

  document.addEventListener('click', function (e) {
    if (!e.shiftKey) { return; }
    var node = e.target.closest ? e.target.closest('svg.dag g.node') : null;
    var frame = document.getElementById('scene-frame');
    if (!node || !frame) { return; }
    var match = window.location.pathname.match(/^\/runs\/([0-9a-f-]{36})$/);
    if (!match) { return; }
    e.preventDefault();
    var label = node.querySelector('title').textContent.replace(/ \(\+\d+ hidden\)$/, '');
    var params = new URLSearchParams(window.location.search);
    window.location.href = collapseUrl(match[1], params.get('collapsed') || '', label);
  });

  function start() {
    var canvas = document.getElementById('scene');
    if (canvas && canvas.getContext) {
      canvasScene = new CanvasScene(canvas);
      canvasScene.load();
    }
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
